"""Provenance that a process reads once: a checkout that moves on while runs go on does not relabel them."""

from __future__ import annotations

from claimcheck.replication import environment as env


def test_the_revision_is_read_once_per_process(monkeypatch):
    monkeypatch.setattr(env, "_STATIC", {})
    monkeypatch.setattr(env, "git_revision", lambda: "aaaa")
    first = env.static_provenance()
    monkeypatch.setattr(env, "git_revision", lambda: "bbbb+dirty")  # a commit lands mid-replication
    assert env.static_provenance()["git_revision"] == first["git_revision"] == "aaaa"
    first["git_revision"] = "changed by a caller"
    assert env.static_provenance()["git_revision"] == "aaaa"  # callers get copies


def test_git_revision_names_this_checkout():
    rev = env.git_revision()
    assert rev == "" or len(rev.removesuffix("+dirty")) == 40  # "" outside a git checkout (an installed wheel)
