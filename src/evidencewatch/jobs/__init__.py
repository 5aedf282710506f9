"""Units of work that own their transactions: scans, imports, digests, locks, status."""
