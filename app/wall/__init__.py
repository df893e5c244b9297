"""The wall screen: a read-only page for a TV, opened with a display token it owns."""
