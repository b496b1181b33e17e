"""Key pairs: RSA-2048 in the PEM forms ActivityPub actors publish (publicKeyPem)."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from rathaus.lib.httpsig import generate_key_pair


def test_generates_a_matching_rsa_2048_pair():
    private_pem, public_pem = generate_key_pair()
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public = serialization.load_pem_public_key(public_pem.encode())
    assert isinstance(private, rsa.RSAPrivateKey)
    assert private.key_size == 2048
    assert public.public_numbers() == private.public_key().public_numbers()


def test_every_call_makes_a_new_key():
    assert generate_key_pair()[0] != generate_key_pair()[0]
