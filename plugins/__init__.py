"""The built-in plugins of factx, one module per fact type, each written as a third-party plugin would be."""
