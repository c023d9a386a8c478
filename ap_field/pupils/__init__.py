from flask import Blueprint

bp = Blueprint("pupils", __name__)
