"""Photos: the Photo model, reading uploads, the pipeline (Pillow), refusal wording, tokens for
kept photos, the watermark and the one PhotoStore where the files are kept."""
