import { http } from '@google-cloud/functions-framework';
import { dataFunction } from './function';

http('data', dataFunction());
