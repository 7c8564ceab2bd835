"""Keyed hashes: the same number always gives the same hash, and only with the right key."""

from __future__ import annotations

import hashlib
import hmac
import stat
import threading
from pathlib import Path

import pytest

from helpline.config import DEFAULTS
from helpline.core.send_limits import SHARE, claims, configured_limits
from helpline.store import SecretKeyError, Store
from helpline.store.hashing import (
    KEY_FILE,
    NumberHasher,
    canonical_number,
    load_or_create_key,
    resolve_secret_key,
    split_keys,
)
from helpline.store.store import KEY_FINGERPRINT

LIMITS = configured_limits(DEFAULTS)  # 3 shares sent and 1 received a day


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("+14155550101", "+14155550101"),
        (" +1 (415) 555-0101 ", "+14155550101"),
        ("+44 7700 900102", "+447700900102"),
        ("0044 7700 900102", "+447700900102"),
        ("14155550101", "+14155550101"),
        ("client:alice", "client:alice"),
        ("whatsapp:+14155550101", "whatsapp:+14155550101"),
    ],
)
def test_it_canonicalises_numbers_before_hashing(raw: str, canonical: str) -> None:
    assert canonical_number(raw) == canonical


def test_it_is_hmac_sha256_of_the_e164_number_with_the_key(nums) -> None:
    expected = hmac.new(nums.key.encode(), nums.alice.encode(), hashlib.sha256).hexdigest()
    hasher = NumberHasher(nums.key)
    assert hasher.hash(nums.alice) == expected
    assert hasher.hash("+1 415 555 0101") == expected
    assert NumberHasher(nums.other_key).hash(nums.alice) != expected


def test_old_keys_are_tried_after_the_current_one(nums) -> None:
    hasher = NumberHasher(nums.other_key, old_keys=[nums.key])
    assert hasher.candidates(nums.alice) == [
        NumberHasher(nums.other_key).hash(nums.alice),
        NumberHasher(nums.key).hash(nums.alice),
    ]
    assert hasher.old_fingerprints == [NumberHasher(nums.key).fingerprint]


def test_split_keys_accepts_commas_and_spaces() -> None:
    assert split_keys("a1, b2\nc3") == ["a1", "b2", "c3"]
    assert split_keys("") == []


def test_local_mode_generates_a_private_key_once(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = resolve_secret_key("", instance, local=True)
    assert len(first) == 64 and int(first, 16)
    path = instance / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve_secret_key("", instance, local=True) == first
    assert list(instance.iterdir()) == [path]  # no temporary files left behind


def test_concurrent_first_starts_agree_on_one_key(tmp_path: Path) -> None:
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(load_or_create_key(tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1


def test_a_readable_key_file_is_made_private(tmp_path: Path, caplog) -> None:
    path = tmp_path / KEY_FILE
    path.write_text("k" * 40)
    path.chmod(0o644)
    assert load_or_create_key(tmp_path) == "k" * 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "0600" in caplog.text


def test_a_damaged_key_file_is_not_silently_replaced(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text("\n")
    with pytest.raises(SecretKeyError, match="Restore it from a backup"):
        load_or_create_key(tmp_path)


def test_production_without_a_key_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="HELPLINE_SECRET_KEY is not set"):
        resolve_secret_key("", tmp_path, local=False)
    assert not (tmp_path / KEY_FILE).exists()


def test_a_short_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="too short"):
        resolve_secret_key("changeme", tmp_path, local=False)


def test_a_configured_key_wins_over_the_file(tmp_path: Path, nums) -> None:
    (tmp_path / KEY_FILE).write_text("f" * 64)
    assert resolve_secret_key(nums.key, tmp_path, local=True) == nums.key


# -- the key recorded in the database ------------------------------------------------------


def test_the_first_start_records_the_key_and_later_starts_accept_it(store: Store, nums) -> None:
    with store.transaction() as tx:
        assert tx.meta.get(KEY_FINGERPRINT) is None  # a new database knows no key yet
    store.check_key()
    with store.transaction() as tx:
        assert tx.meta.get(KEY_FINGERPRINT) == NumberHasher(nums.key).fingerprint
    store.check_key()  # a later start with the same key is accepted and changes nothing
    with store.transaction() as tx:
        assert tx.meta.get(KEY_FINGERPRINT) == NumberHasher(nums.key).fingerprint


def test_instances_starting_together_agree_on_the_key(store: Store, make_store) -> None:
    instances = [make_store() for _ in range(4)]
    barrier = threading.Barrier(len(instances))
    errors: list[BaseException] = []

    def start(instance: Store) -> None:
        try:
            barrier.wait()
            instance.check_key()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    store.check_key()


def test_a_different_key_is_refused_with_the_way_out(store: Store, make_store, nums) -> None:
    store.check_key()
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP")
    other = make_store(nums.other_key)
    with pytest.raises(SecretKeyError) as refused:
        other.check_key()
    message = str(refused.value)
    assert "HELPLINE_OLD_SECRET_KEYS" in message and "helpline db adopt-key" in message
    assert other.adopt_key() == NumberHasher(nums.key).fingerprint
    other.check_key()
    with other.reading() as tx:
        assert not tx.contacts.is_opted_out(nums.alice)  # the cost of a lost key, made explicit


def test_a_rotation_keeps_opt_outs_and_moves_records_to_the_new_key(
    store: Store, make_store, nums
) -> None:
    store.check_key()
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP")
        tx.contacts.set_language(nums.bob, "es")
        assert tx.send_counts.take(claims(LIMITS, SHARE, nums.bob, nums.carol)) is None

    rotated = make_store(nums.other_key, old_keys=[nums.key])
    rotated.check_key()
    with rotated.transaction() as tx:
        assert tx.contacts.is_opted_out(nums.alice)
        assert tx.contacts.texter_state(nums.bob) == ("es", False)
        assert tx.send_counts.take(claims(LIMITS, SHARE, nums.dan, nums.carol)) == "shares_to"
    with rotated.transaction() as tx:
        tx.contacts.set_language(nums.bob, "fr")  # a write moves the record to the new key

    new_only = make_store(nums.other_key)
    new_only.check_key()  # the database now expects the new key
    with new_only.reading() as tx:
        assert tx.contacts.texter_state(nums.bob) == ("fr", False)
        assert not tx.contacts.is_opted_out(nums.alice)  # never seen since: under the old key
    with rotated.reading() as tx:
        assert tx.contacts.is_opted_out(nums.alice)
