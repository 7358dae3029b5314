"""Geography: a gazetteer of town names and a spatial index over places."""
