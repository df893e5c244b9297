"""Photos: the upload pipeline (Pillow) and content-addressed storage on disk."""
