# One image for every Liancha process (nodes now; the hub and workers from later issues).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
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
COPY generator generator
COPY conformance conformance
RUN pip install --no-cache-dir . && useradd --system --home /var/lib/liancha liancha \
    && mkdir -p /var/lib/liancha && chown liancha /var/lib/liancha
USER liancha
ENTRYPOINT ["liancha"]
