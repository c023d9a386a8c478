from flask import Blueprint

bp = Blueprint("parents", __name__)
