"""The components of the OpenAPI document (web/openapi.py): the message schema each
device-signed envelope carries, and the schemas answers use, by component name. Apart
from the operations only to keep each file short."""

from __future__ import annotations

from ..credits.schemas import AccountRecovered, RecoverRequest, RecoveryCodeIssued
from ..credits.schemas import RecoveryCodeRequest as RecoveryCode
from ..packs.schemas import PackManifest
from ..push.schemas import Subscribe, Unsubscribe
from ..sync import schemas as sync
from .apischemas import ErrorEnvelope, Health, SignedDocument, Subscribed, Unsubscribed, VapidKey

#: Message schemas signed by a device, by the name of their envelope's component.
SIGNED_MESSAGES = {
    "DeviceRegistrationEnvelope": sync.DeviceRegistration,
    "SyncBatchEnvelope": sync.SyncBatch,
    "ChangesRequestEnvelope": sync.ChangesRequest,
    "SubscribeEnvelope": Subscribe,
    "UnsubscribeEnvelope": Unsubscribe,
    "RecoveryCodeEnvelope": RecoveryCode,
    "RecoverRequestEnvelope": RecoverRequest,
}
#: Schemas the answers use, by component name.
ANSWERS = {
    "ErrorEnvelope": ErrorEnvelope,
    "Health": Health,
    "VapidKey": VapidKey,
    "Subscribed": Subscribed,
    "Unsubscribed": Unsubscribed,
    "RecoveryCodeIssued": RecoveryCodeIssued,
    "AccountRecovered": AccountRecovered,
    "SignedDocument": SignedDocument,
    "DeviceRegistered": sync.DeviceRegistered,
    "SyncReceipt": sync.SyncReceipt,
    "BundleUploadResult": sync.BundleUploadResult,
    "BundleImported": sync.BundleImported,
    "BundleRefused": sync.BundleRefused,
    "SyncBundle": sync.SyncBundle,
    "AckFile": sync.AckFile,
    "PackManifest": PackManifest,
}
