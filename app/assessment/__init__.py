"""The quarterly department safety assessment (科室季度安全考核): scores, pages, export."""
