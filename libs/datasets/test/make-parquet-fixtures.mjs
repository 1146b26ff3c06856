// Writes the Parquet fixtures (the layout the Hugging Face hub exports). Run from the repo root:
//   node libs/datasets/test/make-parquet-fixtures.mjs
import { parquetWriteFile } from 'hyparquet-writer';

parquetWriteFile({
  filename: 'libs/datasets/src/suites/xnli/fixtures/th/test-00000-of-00001.parquet',
  columnData: [
    { name: 'premise', data: ['แมวกำลังนอนอยู่บนโซฟา', 'ฝนตกหนักทั้งวัน', 'เขาซื้อรถใหม่เมื่อวานนี้'], type: 'STRING' },
    { name: 'hypothesis', data: ['มีสัตว์อยู่บนโซฟา', 'วันนี้แดดจัดตลอดวัน', 'เขาชอบสีแดง'], type: 'STRING' },
    { name: 'label', data: [0n, 2n, 1n], type: 'INT64' },
  ],
});
