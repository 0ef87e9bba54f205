"""essay-sample: the service essay deploys in its tests and demo (standard library only)."""
