# One image for the user-code server, the webserver and the daemon (docker-compose.yml).
FROM python:3.11-slim
WORKDIR /opt/fitness
COPY pyproject.toml README.md workspace.yaml dagster.yaml ./
COPY fitness_assets ./fitness_assets
COPY sql ./sql
RUN pip install --no-cache-dir -e . \
 && mkdir -p /opt/dagster/home && cp dagster.yaml /opt/dagster/home/dagster.yaml
ENV DAGSTER_HOME=/opt/dagster/home \
    FITNESS_HOME=/data/fitness \
    FITNESS_INBOX=/data/inbox \
    FITNESS_SQL_DIR=/opt/fitness/sql
