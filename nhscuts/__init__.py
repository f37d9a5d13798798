"""nhscuts: the command line that ties the stages together."""
