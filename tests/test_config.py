import os
import threading

from ap_field.config import database_url_from, secret_key


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) == 64
    assert secret_key(tmp_path) == first
    assert oct(os.stat(tmp_path / "secret_key").st_mode & 0o777) == "0o600"
    assert [path.name for path in tmp_path.iterdir()] == ["secret_key"]


def test_workers_starting_together_share_one_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    barrier = threading.Barrier(8)
    keys = []

    def start_worker():
        barrier.wait()
        keys.append(secret_key(tmp_path))

    threads = [threading.Thread(target=start_worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    assert len(keys[0]) == 64


def test_the_environment_key_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert secret_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_postgres_urls_use_psycopg_3():
    assert database_url_from("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url_from("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url_from("sqlite:///x.db") == "sqlite:///x.db"


def test_a_new_machine_with_a_secret_key_in_the_environment_gets_an_instance_folder(
    tmp_path, monkeypatch
):
    from ap_field import create_app

    instance = tmp_path / "fresh" / "instance"
    monkeypatch.setenv("AP_FIELD_INSTANCE", str(instance))
    monkeypatch.setenv("SECRET_KEY", "set")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert instance.is_dir()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'ap_field.sqlite3'}"
