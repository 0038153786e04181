// Placeholder translation unit until the module's sources land.
