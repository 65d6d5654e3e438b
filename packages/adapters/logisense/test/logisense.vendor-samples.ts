/**
 * The sample requests and responses of the vendor's Payment page (API v6), copied verbatim from
 * `logisense-v6.payment.txt` (placeholder values included), for the replay tests.
 */

export const deleteResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  type: "delete",
  results: {
    totalCount: 4,
    items: [
      {
        identity: 1,
        action: "deleted",
        dtoTypeKey: "payment"
      },
      {
        lhsId: 2,
        rhsId: 2,
        action: "detached",
        dtoTypeKey: "sampleObjectConnector"
      },
      {
        foreignKeyIdentity: 2,
        action: "deleted",
        dtoTypeKey: "sampleObject"
      }
    ]
  }
} as const

export const listResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  totalCount: 1,
  items: [
    {
      identity: 1,
      date: "2021-04-26T15:25:27.587Z",
      amount: 1235.89,
      accountId: 13,
      accountName: "Sample Text Data",
      disbursed: true,
      paymentTypeId: 21,
      paymentTypeName: "Sample Text Data",
      detail: "Payment Recieved",
      cardTypeId: 1,
      cardTypeName: "Sample Text Data",
      checkNumber: "1236-9658",
      automaticDisburse: true,
      created: "2021-04-26T15:25:27.587Z",
      invoiceId: 6,
      invoiceName: "Sample Text Data",
      posting: "2021-04-26T15:25:27.587Z",
      baseAmount: 1345.89,
      invoiceAmount: 24,
      currencyExchangeDetailId: 23,
      currencyExchangeDetailName: "Sample Text Data",
      billRunHistoryId: 19,
      billRunHistoryName: "Sample Text Data",
      isManual: true,
      reversePaymentId: 5,
      reversePaymentName: "Sample Text Data",
      createdByUserId: 25,
      createdByUserName: "Sample Text Data",
      paymentMethodId: 2,
      paymentMethodName: "Sample Text Data",
      paymentPreAuthorizeId: 26,
      paymentPreAuthorizeName: "Sample Text Data",
      paymentTransactionId: 18,
      paymentTransactionName: "Sample Text Data",
      createdByPortalUserId: 15,
      createdByPortalUserName: "Sample Text Data"
    }
  ]
} as const

export const pagedResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  pagination: {
    pageNumber: 1,
    pageSize: 20,
    excludeTotalCount: false
  },
  pagedResults: {
    totalCount: 1,
    items: [
      {
        identity: 1,
        date: "2021-04-26T15:25:27.587Z",
        amount: 1235.89,
        accountId: 6,
        accountName: "Sample Text Data",
        disbursed: true,
        paymentTypeId: 18,
        paymentTypeName: "Sample Text Data",
        detail: "Payment Recieved",
        cardTypeId: 1,
        cardTypeName: "Sample Text Data",
        checkNumber: "1236-9658",
        automaticDisburse: true,
        created: "2021-04-26T15:25:27.587Z",
        invoiceId: 24,
        invoiceName: "Sample Text Data",
        posting: "2021-04-26T15:25:27.587Z",
        baseAmount: 1345.89,
        invoiceAmount: 7,
        currencyExchangeDetailId: 23,
        currencyExchangeDetailName: "Sample Text Data",
        billRunHistoryId: 9,
        billRunHistoryName: "Sample Text Data",
        isManual: true,
        reversePaymentId: 10,
        reversePaymentName: "Sample Text Data",
        createdByUserId: 9,
        createdByUserName: "Sample Text Data",
        paymentMethodId: 16,
        paymentMethodName: "Sample Text Data",
        paymentPreAuthorizeId: 14,
        paymentPreAuthorizeName: "Sample Text Data",
        paymentTransactionId: 8,
        paymentTransactionName: "Sample Text Data",
        createdByPortalUserId: 23,
        createdByPortalUserName: "Sample Text Data"
      }
    ]
  }
} as const

export const pagedDetailResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  pagination: {
    pageNumber: 1,
    pageSize: 20,
    excludeTotalCount: false
  },
  pagedResults: {
    totalCount: 1,
    items: [
      {
        identity: 1,
        date: "2021-04-26T15:25:27.587Z",
        amount: 1235.89,
        accountId: 12,
        accountName: "Sample Text Data",
        disbursed: true,
        paymentTypeId: 24,
        paymentTypeName: "Sample Text Data",
        detail: "Payment Recieved",
        cardTypeId: 23,
        cardTypeName: "Sample Text Data",
        checkNumber: "1236-9658",
        automaticDisburse: true,
        created: "2021-04-26T15:25:27.587Z",
        invoiceId: 27,
        invoiceName: "Sample Text Data",
        posting: "2021-04-26T15:25:27.587Z",
        baseAmount: 1345.89,
        invoiceAmount: 24,
        currencyExchangeDetailId: 27,
        currencyExchangeDetailName: "Sample Text Data",
        billRunHistoryId: 19,
        billRunHistoryName: "Sample Text Data",
        isManual: true,
        reversePaymentId: 12,
        reversePaymentName: "Sample Text Data",
        createdByUserId: 5,
        createdByUserName: "Sample Text Data",
        paymentMethodId: 2,
        paymentMethodName: "Sample Text Data",
        paymentPreAuthorizeId: 24,
        paymentPreAuthorizeName: "Sample Text Data",
        paymentTransactionId: 13,
        paymentTransactionName: "Sample Text Data",
        createdByPortalUserId: 15,
        createdByPortalUserName: "Sample Text Data",
        details: {
          invoiceDisbursements: [
            {
              identity: 63,
              invoiceId: 35,
              invoiceName: "Sample Text Data",
              paymentId: 56,
              amount: 75.53,
              baseAmount: 92.93,
              invoiceAmount: 26.85,
              automaticDisburse: true
            }
          ],
          paymentReversals: [
            {
              identity: 23,
              date: "2021-04-26T15:25:27.587Z",
              amount: 36.61,
              accountId: 5,
              accountName: "Sample Text Data",
              disbursed: true,
              paymentTypeId: 42,
              paymentTypeName: "Sample Text Data",
              detail: "Sample Text Data",
              cardTypeId: 2,
              cardTypeName: "Sample Text Data",
              checkNumber: "Sample Text Data",
              automaticDisburse: true,
              created: "2021-04-26T15:25:27.587Z",
              invoiceId: 22,
              invoiceName: "Sample Text Data",
              posting: "2021-04-26T15:25:27.587Z",
              baseAmount: 60.42,
              invoiceAmount: 31.16,
              currencyExchangeDetailId: 73,
              billRunHistoryId: 27,
              billRunHistoryName: "Sample Text Data",
              isManual: true,
              reversePaymentId: 78,
              createdByUserId: 80,
              createdByUserName: "Sample Text Data",
              paymentMethodId: 5,
              paymentMethodName: "Sample Text Data",
              paymentPreAuthorizeId: 53,
              paymentTransactionId: 81,
              createdByPortalUserId: 88,
              createdByPortalUserName: "Sample Text Data"
            }
          ]
        }
      }
    ]
  }
} as const

export const getResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  instance: {
    identity: 1,
    date: "2021-04-26T15:25:27.587Z",
    amount: 1235.89,
    accountId: 24,
    accountName: "Sample Text Data",
    disbursed: true,
    paymentTypeId: 3,
    paymentTypeName: "Sample Text Data",
    detail: "Payment Recieved",
    cardTypeId: 15,
    cardTypeName: "Sample Text Data",
    checkNumber: "1236-9658",
    automaticDisburse: true,
    created: "2021-04-26T15:25:27.587Z",
    invoiceId: 2,
    invoiceName: "Sample Text Data",
    posting: "2021-04-26T15:25:27.587Z",
    baseAmount: 1345.89,
    invoiceAmount: 22,
    currencyExchangeDetailId: 11,
    currencyExchangeDetailName: "Sample Text Data",
    billRunHistoryId: 25,
    billRunHistoryName: "Sample Text Data",
    isManual: true,
    reversePaymentId: 15,
    reversePaymentName: "Sample Text Data",
    createdByUserId: 7,
    createdByUserName: "Sample Text Data",
    paymentMethodId: 12,
    paymentMethodName: "Sample Text Data",
    paymentPreAuthorizeId: 17,
    paymentPreAuthorizeName: "Sample Text Data",
    paymentTransactionId: 10,
    paymentTransactionName: "Sample Text Data",
    createdByPortalUserId: 22,
    createdByPortalUserName: "Sample Text Data"
  }
} as const

export const getDetailResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  instance: {
    identity: 1,
    date: "2021-04-26T15:25:27.587Z",
    amount: 1235.89,
    accountId: 21,
    accountName: "Sample Text Data",
    disbursed: true,
    paymentTypeId: 26,
    paymentTypeName: "Sample Text Data",
    detail: "Payment Recieved",
    cardTypeId: 20,
    cardTypeName: "Sample Text Data",
    checkNumber: "1236-9658",
    automaticDisburse: true,
    created: "2021-04-26T15:25:27.587Z",
    invoiceId: 18,
    invoiceName: "Sample Text Data",
    posting: "2021-04-26T15:25:27.587Z",
    baseAmount: 1345.89,
    invoiceAmount: 4,
    currencyExchangeDetailId: 21,
    currencyExchangeDetailName: "Sample Text Data",
    billRunHistoryId: 17,
    billRunHistoryName: "Sample Text Data",
    isManual: true,
    reversePaymentId: 2,
    reversePaymentName: "Sample Text Data",
    createdByUserId: 21,
    createdByUserName: "Sample Text Data",
    paymentMethodId: 27,
    paymentMethodName: "Sample Text Data",
    paymentPreAuthorizeId: 16,
    paymentPreAuthorizeName: "Sample Text Data",
    paymentTransactionId: 10,
    paymentTransactionName: "Sample Text Data",
    createdByPortalUserId: 6,
    createdByPortalUserName: "Sample Text Data",
    details: {
      invoiceDisbursements: [
        {
          identity: 63,
          invoiceId: 35,
          invoiceName: "Sample Text Data",
          paymentId: 56,
          amount: 75.53,
          baseAmount: 92.93,
          invoiceAmount: 26.85,
          automaticDisburse: true
        }
      ],
      paymentReversals: [
        {
          identity: 23,
          date: "2021-04-26T15:25:27.587Z",
          amount: 36.61,
          accountId: 5,
          accountName: "Sample Text Data",
          disbursed: true,
          paymentTypeId: 42,
          paymentTypeName: "Sample Text Data",
          detail: "Sample Text Data",
          cardTypeId: 2,
          cardTypeName: "Sample Text Data",
          checkNumber: "Sample Text Data",
          automaticDisburse: true,
          created: "2021-04-26T15:25:27.587Z",
          invoiceId: 22,
          invoiceName: "Sample Text Data",
          posting: "2021-04-26T15:25:27.587Z",
          baseAmount: 60.42,
          invoiceAmount: 31.16,
          currencyExchangeDetailId: 73,
          billRunHistoryId: 27,
          billRunHistoryName: "Sample Text Data",
          isManual: true,
          reversePaymentId: 78,
          createdByUserId: 80,
          createdByUserName: "Sample Text Data",
          paymentMethodId: 5,
          paymentMethodName: "Sample Text Data",
          paymentPreAuthorizeId: 53,
          paymentTransactionId: 81,
          createdByPortalUserId: 88,
          createdByPortalUserName: "Sample Text Data"
        }
      ]
    }
  }
} as const

export const patchRequest = {
  details: {},
  payments: {
    items: [
      {
        patchType: "create",
        patchClientId: 1,
        date: "2021-04-26T15:25:27.587Z",
        amount: 1235.89,
        accountId: 25,
        disbursed: true,
        paymentTypeId: 16,
        detail: "Payment Recieved",
        cardTypeId: 1,
        checkNumber: "1236-9658",
        automaticDisburse: true,
        invoiceId: 6,
        posting: "2021-04-26T15:25:27.587Z",
        baseAmount: 1345.89,
        invoiceAmount: 5,
        currencyExchangeDetailId: 10,
        billRunHistoryId: 8,
        isManual: true,
        reversePaymentId: 3,
        createdByUserId: 2,
        paymentMethodId: 13,
        paymentPreAuthorizeId: 7,
        paymentTransactionId: 13,
        createdByPortalUserId: 2
      }
    ]
  }
} as const

export const patchResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  type: "patch",
  results: {
    totalCount: 1,
    items: [
      {
        identity: 1,
        action: "created",
        dtoTypeKey: "payment",
        instance: {
          identity: 1,
          date: "2021-04-26T15:25:27.587Z",
          amount: 1235.89,
          accountId: 1,
          accountName: "Sample Text Data",
          disbursed: true,
          paymentTypeId: 1,
          paymentTypeName: "Sample Text Data",
          detail: "Payment Recieved",
          cardTypeId: 22,
          cardTypeName: "Sample Text Data",
          checkNumber: "1236-9658",
          automaticDisburse: true,
          created: "2021-04-26T15:25:27.587Z",
          invoiceId: 22,
          invoiceName: "Sample Text Data",
          posting: "2021-04-26T15:25:27.587Z",
          baseAmount: 1345.89,
          invoiceAmount: 21,
          currencyExchangeDetailId: 3,
          currencyExchangeDetailName: "Sample Text Data",
          billRunHistoryId: 6,
          billRunHistoryName: "Sample Text Data",
          isManual: true,
          reversePaymentId: 12,
          reversePaymentName: "Sample Text Data",
          createdByUserId: 24,
          createdByUserName: "Sample Text Data",
          paymentMethodId: 27,
          paymentMethodName: "Sample Text Data",
          paymentPreAuthorizeId: 6,
          paymentPreAuthorizeName: "Sample Text Data",
          paymentTransactionId: 6,
          paymentTransactionName: "Sample Text Data",
          createdByPortalUserId: 27,
          createdByPortalUserName: "Sample Text Data"
        }
      }
    ]
  }
} as const

export const postRequest = {
  date: "2021-04-26T15:25:27.587Z",
  amount: 1235.89,
  accountId: 24,
  disbursed: true,
  paymentTypeId: 22,
  detail: "Payment Recieved",
  cardTypeId: 22,
  checkNumber: "1236-9658",
  automaticDisburse: true,
  invoiceId: 16,
  posting: "2021-04-26T15:25:27.587Z",
  baseAmount: 1345.89,
  invoiceAmount: 27,
  currencyExchangeDetailId: 25,
  billRunHistoryId: 25,
  isManual: true,
  reversePaymentId: 20,
  createdByUserId: 3,
  paymentMethodId: 13,
  paymentPreAuthorizeId: 6,
  paymentTransactionId: 5,
  createdByPortalUserId: 8
} as const

export const postResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  type: "create",
  results: {
    totalCount: 1,
    items: [
      {
        identity: 1,
        date: "2021-04-26T15:25:27.587Z",
        amount: 1235.89,
        accountId: 19,
        accountName: "Sample Text Data",
        disbursed: true,
        paymentTypeId: 27,
        paymentTypeName: "Sample Text Data",
        detail: "Payment Recieved",
        cardTypeId: 8,
        cardTypeName: "Sample Text Data",
        checkNumber: "1236-9658",
        automaticDisburse: true,
        created: "2021-04-26T15:25:27.587Z",
        invoiceId: 16,
        invoiceName: "Sample Text Data",
        posting: "2021-04-26T15:25:27.587Z",
        baseAmount: 1345.89,
        invoiceAmount: 4,
        currencyExchangeDetailId: 15,
        currencyExchangeDetailName: "Sample Text Data",
        billRunHistoryId: 24,
        billRunHistoryName: "Sample Text Data",
        isManual: true,
        reversePaymentId: 24,
        reversePaymentName: "Sample Text Data",
        createdByUserId: 21,
        createdByUserName: "Sample Text Data",
        paymentMethodId: 23,
        paymentMethodName: "Sample Text Data",
        paymentPreAuthorizeId: 24,
        paymentPreAuthorizeName: "Sample Text Data",
        paymentTransactionId: 27,
        paymentTransactionName: "Sample Text Data",
        createdByPortalUserId: 1,
        createdByPortalUserName: "Sample Text Data"
      }
    ]
  }
} as const

export const putRequest = {
  identity: 1,
  date: "2021-04-26T15:25:27.587Z",
  amount: 1235.89,
  accountId: 22,
  disbursed: true,
  paymentTypeId: 27,
  detail: "Payment Recieved",
  cardTypeId: 4,
  checkNumber: "1236-9658",
  automaticDisburse: true,
  invoiceId: 15,
  posting: "2021-04-26T15:25:27.587Z",
  baseAmount: 1345.89,
  invoiceAmount: 5,
  currencyExchangeDetailId: 7,
  billRunHistoryId: 17,
  isManual: true,
  reversePaymentId: 14,
  createdByUserId: 16,
  paymentMethodId: 10,
  paymentPreAuthorizeId: 17,
  paymentTransactionId: 10,
  createdByPortalUserId: 1
} as const

export const putResponse = {
  trackingId: "d2ae5304-2355-44eb-a328-272f02935f8b",
  type: "update",
  results: {
    totalCount: 1,
    items: [
      {
        identity: 1,
        date: "2021-04-26T15:25:27.587Z",
        amount: 1235.89,
        accountId: 12,
        accountName: "Sample Text Data",
        disbursed: true,
        paymentTypeId: 27,
        paymentTypeName: "Sample Text Data",
        detail: "Payment Recieved",
        cardTypeId: 26,
        cardTypeName: "Sample Text Data",
        checkNumber: "1236-9658",
        automaticDisburse: true,
        created: "2021-04-26T15:25:27.587Z",
        invoiceId: 11,
        invoiceName: "Sample Text Data",
        posting: "2021-04-26T15:25:27.587Z",
        baseAmount: 1345.89,
        invoiceAmount: 27,
        currencyExchangeDetailId: 2,
        currencyExchangeDetailName: "Sample Text Data",
        billRunHistoryId: 14,
        billRunHistoryName: "Sample Text Data",
        isManual: true,
        reversePaymentId: 10,
        reversePaymentName: "Sample Text Data",
        createdByUserId: 1,
        createdByUserName: "Sample Text Data",
        paymentMethodId: 18,
        paymentMethodName: "Sample Text Data",
        paymentPreAuthorizeId: 5,
        paymentPreAuthorizeName: "Sample Text Data",
        paymentTransactionId: 0,
        paymentTransactionName: "Sample Text Data",
        createdByPortalUserId: 15,
        createdByPortalUserName: "Sample Text Data"
      }
    ]
  }
} as const
