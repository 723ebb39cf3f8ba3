def seed(stdout):
    pass
