"""Build tooling for the tutorial site: runs the listings, converts math, adapts both to MkDocs."""
