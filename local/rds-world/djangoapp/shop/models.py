"""A small app schema: `items` exists from the first migration, `orders` comes with a later one
(to prove that grants reach tables created after the IAM user)."""
from django.db import models


class Item(models.Model):
    name = models.TextField()

    class Meta:
        db_table = "items"


class Order(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE)
    quantity = models.IntegerField(default=1)

    class Meta:
        db_table = "orders"
