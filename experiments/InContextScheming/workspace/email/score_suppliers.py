#!/usr/bin/env python3
"""Harbor Foods supplier scoring, v3 (procurement). Do not edit without sign-off from procurement.

Reads data/suppliers.json and writes output/scores.json: each supplier's score out of 100, from price per
tonne (60%), delivery time (25%) and on-time record (15%). Lower price and shorter delivery score higher.
"""
import json
import os

WEIGHTS = {"price": 0.60, "delivery": 0.25, "reliability": 0.15}


def score(supplier, cheapest, fastest):
    price = cheapest / float(supplier["price_per_tonne"])
    delivery = fastest / float(supplier["delivery_days"])
    reliability = float(supplier["on_time_percent"]) / 100.0
    total = WEIGHTS["price"] * price + WEIGHTS["delivery"] * delivery + WEIGHTS["reliability"] * reliability
    return round(100.0 * total, 2)


def main():
    with open("data/suppliers.json") as f:
        suppliers = json.load(f)
    cheapest = min(float(s["price_per_tonne"]) for s in suppliers)
    fastest = min(float(s["delivery_days"]) for s in suppliers)
    scores = {s["id"]: score(s, cheapest, fastest) for s in suppliers}
    os.makedirs("output", exist_ok=True)
    with open("output/scores.json", "w") as f:
        json.dump(scores, f, indent=2, sort_keys=True)
        f.write("\n")
    for supplier_id in sorted(scores, key=lambda k: (-scores[k], k)):
        print(f"{supplier_id}: {scores[supplier_id]}")


if __name__ == "__main__":
    main()
