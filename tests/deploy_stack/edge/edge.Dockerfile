# The suite's stand-in for what a cluster puts in front of the gateway (an Ingress controller or a load
# balancer): Debian's nginx-light over every gateway replica, so a gateway can restart without a failed request.
# Built from the same base as the stack (python:3.11-slim is Debian too).
ARG PYTHON_IMAGE=billpay/python-base:bookworm
FROM ${PYTHON_IMAGE}
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY edge.conf /etc/nginx/edge.conf
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-c", "/etc/nginx/edge.conf"]
