# syntax=docker/dockerfile:1
# Build stage: a virtual environment with guestid and its dependencies.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY app ./app
COPY connectors ./connectors
RUN /opt/venv/bin/pip install .

# Runtime stage: the venv, the migrations, an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 GUESTID_DATA_DIR=/data
RUN useradd --system --uid 10001 --home /srv/guestid guestid \
    && mkdir -p /data /srv/guestid && chown guestid /data
WORKDIR /srv/guestid
COPY --from=build /opt/venv /opt/venv
COPY alembic.ini ./
COPY alembic ./alembic
COPY app ./app
COPY connectors ./connectors
USER guestid
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["guestid", "serve", "--host", "0.0.0.0", "--port", "8000"]
