"""What we watch: the watchlist of genes and terms, and the seed review's findings."""
