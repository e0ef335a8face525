"""The documents of the sample tender package, one module per document, all built from `facts`."""
