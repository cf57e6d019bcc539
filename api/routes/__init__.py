"""The routers of the service, one module per resource."""
