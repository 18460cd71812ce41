# A local equivalent of postgres:15-alpine from Debian's PostgreSQL 15, for docker-compose.local.yml.
# It honours what the stack uses of the official image: POSTGRES_USER, POSTGRES_PASSWORD, the data volume at
# /var/lib/postgresql/data, and *.sql files in /docker-entrypoint-initdb.d run once on an empty volume.
ARG PYTHON_IMAGE=billpay/python-base:bookworm
FROM ${PYTHON_IMAGE}
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres /var/run/postgresql /docker-entrypoint-initdb.d
ENV PATH=/usr/lib/postgresql/15/bin:${PATH} PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
