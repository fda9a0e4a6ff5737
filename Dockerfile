# syntax=docker/dockerfile:1
# The nodestash GraphQL gateway. Configured only by environment variables
# (GATEWAY_*; SANDBOX_* for `sandbox`), e.g.
#   docker build -t nodestash-gateway .
#   docker run -p 8000:8000 nodestash-gateway                 # the gateway
#   docker run -p 8001:8001 -e SANDBOX_HOST=0.0.0.0 --no-healthcheck \
#     nodestash-gateway sandbox                               # the stand-in

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: install the package and its dependencies into a venv ----------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY schema ./schema
COPY sandbox ./sandbox
RUN /opt/venv/bin/pip install .

# ---- runtime: the venv only, run as an unprivileged user ------------------
FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin gateway
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=8000
WORKDIR /tmp
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('GATEWAY_PORT', '8000') + '/healthz', timeout=4)"]
ENTRYPOINT ["nodestash-gateway"]
CMD ["serve"]
