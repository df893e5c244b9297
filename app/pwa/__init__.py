"""The installable app: manifest, service worker, offline page and the phone's outbox page."""
