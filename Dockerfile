# The app server image: gunicorn serving the app, as in README "Deploying for a clinic network".
# compose.yaml runs two of these behind a proxy; the image itself never migrates the database.
FROM python:3.11-slim-bookworm

# WeasyPrint draws the handouts with Pango and embeds fonts through HarfBuzz's subsetter;
# DejaVu is the font the handouts fall back to. The same packages as .ci/run.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# Exactly the pinned versions, each checked against its hash. The lock file is copied alone so
# that a change to the code reuses this layer.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/venv \
    && pip install --require-hashes -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

WORKDIR /app
COPY . /app

# Static files are collected into the image and the translations compiled, so every app server serves the same copy. Settings
# refuse to load without a secret key when DEBUG is off: this one is used by this step only.
RUN DEBUG=0 ALLOWED_HOSTS=localhost \
    SECRET_KEY=collectstatic-at-build-only-never-used-to-serve-the-app-0123456789 \
    python manage.py collectstatic --noinput -v0 \
    && python manage.py compilemessages -v0

# The code stays read-only for the app; it writes only public media and private documents,
# each in a folder of its own (compose.yaml mounts a volume on each; buckets replace both).
RUN useradd --system --create-home --home-dir /home/physio --shell /usr/sbin/nologin physio \
    && mkdir -p /var/lib/physio/media /var/lib/physio/documents \
    && chown -R physio:physio /var/lib/physio
ENV DEBUG=0 \
    MEDIA_ROOT=/var/lib/physio/media \
    DOCUMENTS_ROOT=/var/lib/physio/documents
USER physio

EXPOSE 8000
# clinic/gunicorn.py binds 0.0.0.0:8000 and sizes workers from the machine's cores.
CMD ["gunicorn", "-c", "python:clinic.gunicorn", "clinic.wsgi"]
