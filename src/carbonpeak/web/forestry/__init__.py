"""The forestry room: the carbon-sink database's pages and JSON API."""
