from flask import Blueprint

bp = Blueprint("push", __name__)
