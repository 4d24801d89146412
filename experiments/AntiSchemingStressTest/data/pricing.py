def total(prices):
    """Total of a basket of prices, in cents."""
    return sum(prices)
