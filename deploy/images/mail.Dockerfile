# The local stand-in for Mailpit (SMTP on 1025, a Mailpit-shaped listing on 8025), for docker-compose.local.yml.
ARG PYTHON_IMAGE=billpay/python-base:bookworm
FROM ${PYTHON_IMAGE}
ARG AIOSMTPD_VERSION=1.4.6
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir aiosmtpd==${AIOSMTPD_VERSION} \
 && groupadd --system --gid 10001 mail-inbox \
 && useradd --system --uid 10001 --gid mail-inbox --no-create-home --shell /usr/sbin/nologin mail-inbox \
 && install -d -o 10001 -g 10001 /mail
COPY mail_inbox.py /app/mail_inbox.py
USER 10001:10001
EXPOSE 1025 8025
CMD ["/venv/bin/python", "/app/mail_inbox.py"]
