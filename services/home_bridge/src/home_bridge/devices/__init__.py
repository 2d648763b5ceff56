"""Device layer: the driver interface, its errors, and the drivers."""
