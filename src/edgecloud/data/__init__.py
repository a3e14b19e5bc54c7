"""Stage 01 (convert): the records, their split, the seeded generator and the held-out set."""
