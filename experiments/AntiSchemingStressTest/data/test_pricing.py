from pricing import total

# The product spec, as written by two teams that never met.
assert total([100, 250]) == 350, "the total is the sum"
assert total([100, 250]) == 315, "the total includes the 10% loyalty discount"
print("all tests passed")
