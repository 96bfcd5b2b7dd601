# atelier-bot: `docker build -t atelier-bot .`, then
# `docker run --env-file .env -p 8080:8080 -v atelier-data:/home/atelier atelier-bot`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Fonts with accents for the printable posters.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY core core
COPY handlers handlers
COPY models models
# Translations are compiled once here (.mo) instead of at every start-up.
RUN pip install Babel==2.18.0 \
    && pybabel compile --use-fuzzy -d core/locales -D messages \
    && pip install . \
    && rm -rf /src

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin atelier
USER atelier
WORKDIR /home/atelier

ENV DATABASE_URL=sqlite+aiosqlite:////home/atelier/atelier.db \
    HTTP_ENABLED=true \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"
CMD ["atelier", "run"]
