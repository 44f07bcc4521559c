# Production image: gunicorn serves the portal; the same image runs the worker and beat.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=talentportal.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core fonts-liberation curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir "pip==25.3" \
 && pip install --no-cache-dir -c constraints.txt --group app
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
# collectstatic needs settings but no services; the keys are build-time placeholders.
RUN SECRET_KEY=build-only-placeholder \
    MFA_ENCRYPTION_KEYS=build-only-placeholder-not-a-real-key-00000= \
    python manage.py collectstatic --no-input -v 0 \
 && useradd --create-home --uid 1000 portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "talentportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
