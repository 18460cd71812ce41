# A local equivalent of redis:7-alpine from Debian's redis-server 7.0, for docker-compose.local.yml.
# Like the official image, it listens on every interface without protected mode and keeps its files in /data.
ARG PYTHON_IMAGE=billpay/python-base:bookworm
FROM ${PYTHON_IMAGE}
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* && install -d -o redis -g redis /data
COPY redis-entrypoint.sh /usr/local/bin/redis-entrypoint.sh
WORKDIR /data
USER redis
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-entrypoint.sh"]
CMD ["redis-server"]
