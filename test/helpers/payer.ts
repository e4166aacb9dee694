/** The payer of the tests' boletos (a valid CPF, a São Paulo address), written once. */
export const TEST_PAYER = {
  name: 'Maria da Silva',
  document: '52998224725',
  address: {
    street: 'Rua A',
    number: '1',
    district: 'Centro',
    city: 'São Paulo',
    state: 'SP',
    zipCode: '01001000',
  },
};
