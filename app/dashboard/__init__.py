"""The wall screen and its display tokens."""
