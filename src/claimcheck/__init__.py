"""claimcheck: check the numbers that ML papers (and syntheses of them) state."""

__version__ = "0.1.0"
