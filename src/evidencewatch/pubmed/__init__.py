"""PubMed: the plain record types (``records``) and the streaming XML parser (``parse``)."""
