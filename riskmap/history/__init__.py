"""Past events in: fitting scenario disruptions from the records of what went wrong."""
