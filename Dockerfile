# One image for every Liancha process: the nodes, the hub (gunicorn), its Celery worker
# and beat, and the one-off set-up and migration (docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# The certificates' CJK fonts: WenQuanYi Micro Hei, and HanaMin for rare characters (𠮷)
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei fonts-hanazono \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY liancha liancha
COPY runtime runtime
COPY schemas schemas
COPY nodes nodes
COPY federation federation
COPY certificates certificates
COPY kiosk_api kiosk_api
COPY mobile_api mobile_api
COPY workbench workbench
COPY national_api national_api
COPY accounts accounts
COPY casework casework
COPY generator generator
COPY conformance conformance
COPY deploy deploy
RUN pip install --no-cache-dir . && useradd --system --home /var/lib/liancha liancha \
    && mkdir -p /var/lib/liancha && chown liancha /var/lib/liancha
USER liancha
ENTRYPOINT ["liancha"]
