"""The reports room: downloads of the documents (annual report, period evaluation, dispatch notices,
通报 list), the same bytes as ``carbonpeak report …`` for the same data."""
