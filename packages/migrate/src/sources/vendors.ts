/**
 * The five vendors a migration reads from, listed once: each with its title, how its credentials
 * are given and turned into a session, its source reader, its shadow-proxy rules, and what its
 * `--source-url` is (the base URL its clients are configured with).
 */

import type { ShadowRules } from "../shadow/shadow-rules.ts"
import { billingPlatformUkAuth } from "./billing-platform-uk/billing-platform-uk.auth.ts"
import { billingPlatformUkShadow } from "./billing-platform-uk/billing-platform-uk.shadow.ts"
import { billingPlatformUkSource } from "./billing-platform-uk/billing-platform-uk.source.ts"
import { crmComAuth } from "./crm-com/crm-com.auth.ts"
import { crmComShadow } from "./crm-com/crm-com.shadow.ts"
import { crmComSource } from "./crm-com/crm-com.source.ts"
import { elevateAuth } from "./elevate/elevate.auth.ts"
import { elevateShadow } from "./elevate/elevate.shadow.ts"
import { elevateSource } from "./elevate/elevate.source.ts"
import { logisenseAuth } from "./logisense/logisense.auth.ts"
import { logisenseShadow } from "./logisense/logisense.shadow.ts"
import { logisenseSource } from "./logisense/logisense.source.ts"
import { silverAuth } from "./silver/silver.auth.ts"
import { silverShadow } from "./silver/silver.shadow.ts"
import { silverSource } from "./silver/silver.source.ts"
import type { BalanceSign, VendorId } from "./source-model.ts"
import type { SourceReader } from "./source-reader.ts"
import type { VendorAuth } from "./vendor-auth.ts"

export interface Vendor {
  readonly id: VendorId
  readonly title: string
  /** What `--source-url` is, with an example (the vendor's own and Paybridge's dialect base). */
  readonly sourceUrl: string
  /** Whether the reader needs `--customers` (the vendor's API cannot list customers). */
  readonly needsCustomerList: boolean
  /** Whether the vendor's API shows currencies (else `--currency` / `--customer-currency`). */
  readonly showsCurrency: boolean
  /**
   * How a balance in the operator's balances file (`--balances`) is signed, as the vendor shows it:
   * Elevate documents "negative means the customer is in debt" (the ledger's sign); the other four
   * show no balance in their APIs, and their account-balance / aged-debtors reports show what a
   * customer owes as positive.
   */
  readonly balanceSign: BalanceSign
  /**
   * The aliases a customer record carries besides its vendor id (CRM.COM `number`, Silver `url`):
   * a balances file may name a customer by them, also one a resumed run did not read again.
   */
  readonly customerAliases: ReadonlyArray<string>
  readonly auth: VendorAuth
  readonly source: SourceReader
  readonly shadow: ShadowRules
}

export const vendors: Readonly<Record<VendorId, Vendor>> = {
  "billing-platform-uk": {
    id: "billing-platform-uk",
    title: "Billing Platform (UK)",
    sourceUrl: "the API base, e.g. https://company.callstats.net/backend/api/v1 (Paybridge: <host>/backend/api/v1)",
    needsCustomerList: true,
    showsCurrency: false,
    balanceSign: "owed-positive",
    customerAliases: [],
    auth: billingPlatformUkAuth,
    source: billingPlatformUkSource,
    shadow: billingPlatformUkShadow
  },
  "crm-com": {
    id: "crm-com",
    title: "CRM.COM Web API v4",
    sourceUrl: "the API base, e.g. https://host/crmapi/rest/v4 (Paybridge: <host>/crmapi/rest/v4)",
    needsCustomerList: true,
    showsCurrency: false,
    balanceSign: "owed-positive",
    customerAliases: ["number"],
    auth: crmComAuth,
    source: crmComSource,
    shadow: crmComShadow
  },
  logisense: {
    id: "logisense",
    title: "LogiSense Billing v6",
    sourceUrl: "the server, e.g. https://tenant.logisense.com (Paybridge: <host>/logisense)",
    needsCustomerList: false,
    showsCurrency: false,
    balanceSign: "owed-positive",
    customerAliases: [],
    auth: logisenseAuth,
    source: logisenseSource,
    shadow: logisenseShadow
  },
  elevate: {
    id: "elevate",
    title: "Elevate Billing",
    sourceUrl: "the API base, e.g. https://rest.elevatebilling.com/v1 (Paybridge: <host>/elevate/v1)",
    needsCustomerList: false,
    showsCurrency: true,
    balanceSign: "credit-positive",
    customerAliases: [],
    auth: elevateAuth,
    source: elevateSource,
    shadow: elevateShadow
  },
  silver: {
    id: "silver",
    title: "Silver (Presslabs)",
    sourceUrl: "the API root, e.g. https://billing.example.com (Paybridge: <host>/silver)",
    needsCustomerList: false,
    showsCurrency: true,
    balanceSign: "owed-positive",
    customerAliases: ["url"],
    auth: silverAuth,
    source: silverSource,
    shadow: silverShadow
  }
}
