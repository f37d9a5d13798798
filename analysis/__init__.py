"""Analysis: figures, organisations, schemes and framings, read from and stored in the corpus."""
