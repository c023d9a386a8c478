"""Commissioning schools: the schools whose rolls the pupils stay on, which keep the legal
register and are told the pupils' attendance twice a day (docs/architecture.md, "Schools")."""

from flask import Blueprint

bp = Blueprint("schools", __name__)
