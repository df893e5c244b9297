"""The demo hospital: reference data and months of plausible history."""
